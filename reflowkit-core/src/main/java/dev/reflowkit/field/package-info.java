/**
 * The velocity-field contract {@link dev.reflowkit.field.VelocityField} and its decorators: NFE
 * counting, convention adapters (t = 0 is noise; EDM's sigma) and guidance.
 */
package dev.reflowkit.field;
