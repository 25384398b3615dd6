/**
 * The self-contained HTML report of a pipeline run, {@code report.html}: run facts, the metrics
 * table with its data-vs-data floor, metric-vs-NFE curves, sample scatter plots, solver
 * trajectories, image grids and trajectory strips of image models, and the resolved
 * configuration, on one page with every chart embedded as a base64 PNG (no external files,
 * scripts or fonts, so it works offline).
 *
 * <p>Fill a {@link dev.reflowkit.report.ReportData} (by hand or with
 * {@link dev.reflowkit.report.ReportSampler}) and write it with
 * {@link dev.reflowkit.report.HtmlReport#write}. Charts are drawn by JFreeChart in headless AWT,
 * one chart kind per class. Scatter plots and trajectory charts use the first two coordinates of
 * each point (2-D point data). Image samples (sample shape {@code {C, H, W}}, values in [-1, 1])
 * are drawn pixel by pixel instead: {@link dev.reflowkit.report.ImageGrid} lays images out in a
 * grid, {@link dev.reflowkit.report.TrajectoryStrip} shows solver states from noise to image, and
 * {@link dev.reflowkit.report.ReportImages} sizes them for the report and writes them as PNG files
 * on request.
 */
package dev.reflowkit.report;
