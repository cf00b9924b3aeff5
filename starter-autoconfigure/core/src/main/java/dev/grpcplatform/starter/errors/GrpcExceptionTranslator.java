package dev.grpcplatform.starter.errors;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.UndeclaredThrowableException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusException;
import io.grpc.StatusRuntimeException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.util.Assert;

/**
 * Turns an exception raised by a gRPC handler into the status and detail trailers the call ends
 * with, and logs it once.
 *
 * <p>In this order: {@code StatusException} and {@code StatusRuntimeException} keep their status and
 * trailers; a {@link GrpcErrorException} gives its {@link GrpcError}; then the
 * {@link GrpcExceptionMapper mappers} are asked in turn; anything left is an internal error whose
 * description holds only a random error id, which the server log repeats next to the stack trace.
 *
 * <p>Logging follows the code: errors of the server ({@code INTERNAL}, {@code UNKNOWN},
 * {@code DATA_LOSS}) at ERROR with the stack trace, {@code UNAVAILABLE} at WARN without it, all
 * others (the caller's mistakes) at DEBUG.
 */
public class GrpcExceptionTranslator {

	/**
	 * Key of the {@code ErrorInfo} metadata entry that holds the error id of a server error.
	 */
	public static final String ERROR_ID_KEY = "errorId";

	private static final Log logger = LogFactory.getLog(GrpcExceptionTranslator.class);

	private static final int MAX_UNWRAP_DEPTH = 16;

	private final String domain;

	private final List<GrpcExceptionMapper> mappers;

	/**
	 * Creates a translator.
	 * @param domain domain of every {@code ErrorInfo}
	 * @param mappers mappers in the order they are asked
	 */
	public GrpcExceptionTranslator(String domain, List<GrpcExceptionMapper> mappers) {
		Assert.hasText(domain, "domain must not be empty");
		this.domain = domain;
		this.mappers = List.copyOf(mappers);
	}

	/**
	 * Creates the translator of the platform's configuration: the application's mappers in their
	 * order, then the data access mapper when Spring's transaction support is there, then the
	 * standard mappings.
	 * @param properties the error settings
	 * @param mappers the application's mappers
	 * @param dataAccessMapper the mapper of Spring's data access exceptions, if any
	 * @return the translator
	 */
	public static GrpcExceptionTranslator create(GrpcErrorsProperties properties,
			ObjectProvider<GrpcExceptionMapper> mappers, ObjectProvider<DataAccessExceptionMapper> dataAccessMapper) {
		List<GrpcExceptionMapper> all = new ArrayList<>();
		mappers.orderedStream().forEach(all::add);
		dataAccessMapper.ifAvailable((mapper) -> all.add(mapper::map));
		all.add(new StandardExceptionMapper());
		return new GrpcExceptionTranslator(properties.determineDomain(), all);
	}

	/**
	 * Returns the domain of every {@code ErrorInfo}.
	 * @return the domain
	 */
	public String getDomain() {
		return this.domain;
	}

	/**
	 * Translates the given exception into the status the call ends with, adds the details to the
	 * given trailers, and logs the exception.
	 * @param exception exception raised by the handler
	 * @param fullMethodName full name of the method, for the log
	 * @param trailers trailers of the closing call, to which the details are added
	 * @return the status to close the call with
	 */
	public Status translate(Throwable exception, String fullMethodName, Metadata trailers) {
		Throwable unwrapped = unwrap(exception);
		if (unwrapped instanceof StatusRuntimeException statusException) {
			return passThrough(statusException.getStatus(), statusException.getTrailers(), exception, fullMethodName,
					trailers);
		}
		if (unwrapped instanceof StatusException statusException) {
			return passThrough(statusException.getStatus(), statusException.getTrailers(), exception, fullMethodName,
					trailers);
		}
		GrpcError error = (unwrapped instanceof GrpcErrorException errorException) ? errorException.getError()
				: map(unwrapped, fullMethodName);
		if (error == null) {
			String errorId = UUID.randomUUID().toString();
			error = GrpcError.builder(Status.Code.INTERNAL, "Internal error (error id: " + errorId + ")")
				.metadata(ERROR_ID_KEY, errorId)
				.build();
		}
		else if (isServerError(error.code()) && !error.metadata().containsKey(ERROR_ID_KEY)) {
			error = error.toBuilder().metadata(ERROR_ID_KEY, UUID.randomUUID().toString()).build();
		}
		log(error, exception, fullMethodName);
		trailers.discardAll(GrpcError.STATUS_DETAILS_KEY);
		trailers.put(GrpcError.STATUS_DETAILS_KEY, error.toStatusProto(this.domain));
		return error.toStatus();
	}

	private Status passThrough(Status status, Metadata statusTrailers, Throwable exception, String fullMethodName,
			Metadata trailers) {
		if (statusTrailers != null) {
			trailers.merge(statusTrailers);
		}
		if (isServerError(status.getCode())) {
			logger.error("gRPC call " + fullMethodName + " failed with " + status, exception);
		}
		else if (logger.isDebugEnabled()) {
			logger.debug("gRPC call " + fullMethodName + " failed with " + status, exception);
		}
		return status;
	}

	private GrpcError map(Throwable exception, String fullMethodName) {
		for (GrpcExceptionMapper mapper : this.mappers) {
			try {
				GrpcError error = mapper.map(exception);
				if (error != null) {
					return error;
				}
			}
			catch (RuntimeException ex) {
				// A broken mapper must not hide the original error: report it, fall back to INTERNAL.
				logger.error("GrpcExceptionMapper " + mapper + " failed to map " + exception.getClass().getName()
						+ " of gRPC call " + fullMethodName, ex);
				return null;
			}
		}
		return null;
	}

	private void log(GrpcError error, Throwable exception, String fullMethodName) {
		if (isServerError(error.code())) {
			logger.error("gRPC call " + fullMethodName + " failed with " + error.code() + " (error id: "
					+ error.metadata().get(ERROR_ID_KEY) + ")", exception);
		}
		else if (error.code() == Status.Code.UNAVAILABLE) {
			logger.warn("gRPC call " + fullMethodName + " failed with UNAVAILABLE: " + error.message() + " (" + exception
					+ ")");
		}
		else if (logger.isDebugEnabled()) {
			logger.debug("gRPC call " + fullMethodName + " failed with " + error.code() + ": " + error.message(),
					exception);
		}
	}

	private static boolean isServerError(Status.Code code) {
		return code == Status.Code.INTERNAL || code == Status.Code.UNKNOWN || code == Status.Code.DATA_LOSS;
	}

	private static Throwable unwrap(Throwable exception) {
		Throwable current = exception;
		for (int depth = 0; depth < MAX_UNWRAP_DEPTH && isWrapper(current); depth++) {
			Throwable cause = current.getCause();
			if (cause == null || cause == current) {
				break;
			}
			current = cause;
		}
		return current;
	}

	private static boolean isWrapper(Throwable exception) {
		return exception instanceof CompletionException || exception instanceof ExecutionException
				|| exception instanceof UndeclaredThrowableException || exception instanceof InvocationTargetException;
	}

}
