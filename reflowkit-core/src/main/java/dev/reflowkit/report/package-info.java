/**
 * The self-contained HTML report of a pipeline run, {@code report.html}: run facts, the metrics
 * table with its data-vs-data floor, metric-vs-NFE curves, sample scatter plots, solver
 * trajectories and the resolved configuration, on one page with every chart embedded as a base64
 * PNG (no external files, scripts or fonts, so it works offline).
 *
 * <p>Fill a {@link dev.reflowkit.report.ReportData} (by hand or with
 * {@link dev.reflowkit.report.ReportSampler}) and write it with
 * {@link dev.reflowkit.report.HtmlReport#write}. Charts are drawn by JFreeChart in headless AWT,
 * one chart kind per class. Plots use the first two coordinates of each point: the report is
 * meant for 2-D point data.
 */
package dev.reflowkit.report;
