/**
 * ReflowKit on Apache Spark: pair generation ({@link dev.reflowkit.spark.SparkPairs}) and large
 * evaluations ({@link dev.reflowkit.spark.SparkEval}) as {@code spark-submit} jobs that run the
 * core's single-machine code in every task and write the same files (docs/SPARK.md).
 */
package dev.reflowkit.spark;
