package io.switchboard.http;

import io.switchboard.core.ServiceException;

/** How a dialect answers failures: the status and words of each domain error, and the error body. */
public interface ErrorFormat {

    /** The status code and message this dialect answers for a domain error. */
    Problem problem(ServiceException e);

    /** The JSON body of an error answer, serialised by Jackson. */
    Object body(Problem problem);

    /** The media type of an error answer. */
    default String contentType() {
        return "application/json";
    }
}
