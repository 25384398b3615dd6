/**
 * Strict, typed run configuration: options with defaults and validation
 * ({@link dev.reflowkit.config.Option}), an ordered registry of them
 * ({@link dev.reflowkit.config.ConfigSchema}), immutable resolved values
 * ({@link dev.reflowkit.config.Config}), loading from YAML/JSON plus {@code key=value} overrides
 * ({@link dev.reflowkit.config.ConfigLoader}), generated markdown docs
 * ({@link dev.reflowkit.config.ConfigDocs}) and the ReflowKit schema itself
 * ({@link dev.reflowkit.config.ReflowConfig}).
 *
 * <p>Resolution order: schema defaults, then the file, then overrides; every value is validated
 * and unknown keys are always errors. All problems surface as a one-line
 * {@link dev.reflowkit.config.ConfigException} that names the key.
 */
package dev.reflowkit.config;
