/** Engine start-up: offline, no telemetry, one place. */
package dev.reflowkit.engine;
