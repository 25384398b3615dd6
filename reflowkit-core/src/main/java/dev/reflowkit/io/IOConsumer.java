package dev.reflowkit.io;

import java.io.IOException;

/**
 * A consumer that may throw {@link IOException}, used to write the content of a file.
 *
 * @param <T> the consumed type
 */
@FunctionalInterface
public interface IOConsumer<T> {

    /**
     * Consumes the value.
     *
     * @param value the value
     * @throws IOException if writing fails
     */
    void accept(T value) throws IOException;
}
