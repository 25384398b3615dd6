/**
 * Runs assembled from a configuration: data, model, loss and trainer for a teacher run, loading
 * trained models, the demo job, and the record each run leaves behind.
 */
package dev.reflowkit.pipeline;
