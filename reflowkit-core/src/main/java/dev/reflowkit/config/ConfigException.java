package dev.reflowkit.config;

import java.util.Optional;

/**
 * An invalid configuration: unknown key, wrong type, value out of range, malformed file or
 * override. The message is always a single line that starts with the offending key when there is
 * one, e.g. {@code "train.lr: must be > 0, got -1"}.
 */
public class ConfigException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String key;

    /**
     * Creates an exception that is not about one key (e.g. an unreadable file).
     *
     * @param message the one-line message
     */
    public ConfigException(String message) {
        this(null, message, null);
    }

    /**
     * Creates an exception about an unreadable or malformed source.
     *
     * @param message the one-line message
     * @param cause the underlying error
     */
    public ConfigException(String message, Throwable cause) {
        this(null, message, cause);
    }

    private ConfigException(String key, String message, Throwable cause) {
        super(oneLine(message), cause);
        this.key = key;
    }

    /**
     * Creates an exception about one key; the message reads {@code "key: problem"}.
     *
     * @param key the offending key (dotted)
     * @param problem what is wrong, e.g. {@code "must be > 0, got -1"}
     * @return the exception
     */
    public static ConfigException forKey(String key, String problem) {
        return new ConfigException(key, key + ": " + problem, null);
    }

    /**
     * The offending key, when the problem is about one key.
     *
     * @return the dotted key, or empty
     */
    public Optional<String> key() {
        return Optional.ofNullable(key);
    }

    /**
     * A copy of this exception whose message ends with where the value came from.
     *
     * @param where e.g. {@code "in file 'run.yaml'"}
     * @return the new exception (same key, this one as cause)
     */
    ConfigException in(String where) {
        return new ConfigException(key, getMessage() + " (" + where + ")", this);
    }

    private static String oneLine(String message) {
        return message.replace("\r\n", " ").replace('\n', ' ').replace('\r', ' ');
    }
}
