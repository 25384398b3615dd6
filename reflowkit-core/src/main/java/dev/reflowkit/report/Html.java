package dev.reflowkit.report;

import java.util.Locale;

/** Text escaping and number formatting for the HTML report. */
final class Html {

    private Html() {}

    /**
     * Escapes text for HTML element content and quoted attribute values: {@code & < > " '}.
     *
     * @param text any text; null gives the empty string
     * @return the escaped text
     */
    static String escape(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> sb.append("&amp;");
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }

    /**
     * A metric value with four significant digits, e.g. {@code 0.05341} or {@code 1.234e-05}.
     *
     * @param v the value
     * @return the text
     */
    static String number(double v) {
        if (!Double.isFinite(v)) {
            return Double.toString(v);
        }
        if (v == 0) {
            return "0";
        }
        return String.format(Locale.ROOT, "%.4g", v);
    }

    /**
     * An NFE: whole numbers without decimals, measured means with one.
     *
     * @param nfe the NFE
     * @return e.g. {@code "9"} or {@code "38.4"}
     */
    static String nfe(double nfe) {
        return nfe == Math.rint(nfe) ? Long.toString((long) nfe) : String.format(Locale.ROOT, "%.1f", nfe);
    }
}
