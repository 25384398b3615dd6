package dev.reflowkit.config;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * "Did you mean" candidates by optimal-string-alignment edit distance (Levenshtein plus adjacent
 * transpositions, so {@code trian} is one edit from {@code train}).
 */
final class Suggestions {

    private static final int MAX_SUGGESTIONS = 3;

    private Suggestions() {}

    /**
     * The candidates closest to {@code input}, if within {@code min(3, 1 + length/5)} edits; ties
     * are all returned (at most three), in candidate order.
     */
    static List<String> closest(String input, Collection<String> candidates) {
        int threshold = Math.min(3, 1 + input.length() / 5);
        int best = Integer.MAX_VALUE;
        List<String> found = new ArrayList<>();
        for (String c : candidates) {
            int d = distance(input, c);
            if (d > threshold || d > best) {
                continue;
            }
            if (d < best) {
                best = d;
                found.clear();
            }
            if (found.size() < MAX_SUGGESTIONS) {
                found.add(c);
            }
        }
        return found;
    }

    /** Formats suggestions as {@code "'a'"}, {@code "'a' or 'b'"}, {@code "'a', 'b' or 'c'"}. */
    static String orList(List<String> items) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < items.size(); i++) {
            if (i > 0) {
                sb.append(i == items.size() - 1 ? " or " : ", ");
            }
            sb.append('\'').append(items.get(i)).append('\'');
        }
        return sb.toString();
    }

    /** Optimal string alignment distance between {@code a} and {@code b}. */
    static int distance(String a, String b) {
        int n = a.length();
        int m = b.length();
        int[][] d = new int[n + 1][m + 1];
        for (int i = 0; i <= n; i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= m; j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= n; i++) {
            for (int j = 1; j <= m; j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                int v = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2)
                        && a.charAt(i - 2) == b.charAt(j - 1)) {
                    v = Math.min(v, d[i - 2][j - 2] + 1);
                }
                d[i][j] = v;
            }
        }
        return d[n][m];
    }
}
