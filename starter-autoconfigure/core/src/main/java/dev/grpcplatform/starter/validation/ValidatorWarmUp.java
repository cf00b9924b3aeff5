package dev.grpcplatform.starter.validation;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import build.buf.protovalidate.Validator;
import build.buf.protovalidate.exceptions.ValidationException;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Message;
import dev.grpcplatform.starter.internal.GrpcServerLifecycleListener;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Compiles the rules of every request type a server accepts, so that the first real call does not
 * pay for it, and reports broken rules at startup rather than at the first call. It runs on a
 * thread of its own once the server has started, so that it does not hold up readiness: a call
 * that comes first compiles its type's rules itself, as it would without the warm-up.
 */
public final class ValidatorWarmUp implements GrpcServerLifecycleListener {

	private static final Log logger = LogFactory.getLog(ValidatorWarmUp.class);

	private final Validator validator;

	/**
	 * Creates a warm-up of the given validator.
	 * @param validator the validator the server's interceptor uses
	 */
	public ValidatorWarmUp(Validator validator) {
		this.validator = validator;
	}

	@Override
	public void serverStarted(Server server) {
		List<ServerServiceDefinition> services = server.getServices();
		Thread thread = new Thread(() -> warmUp(services), "grpc-validation-warm-up");
		thread.setDaemon(true);
		thread.start();
	}

	/**
	 * Loads the rules of the request types of all methods of the given services (of the types that can
	 * carry rules).
	 * @param services services of the server
	 * @return the number of request types loaded
	 */
	int warmUp(List<ServerServiceDefinition> services) {
		Set<Descriptor> seen = new HashSet<>();
		ValidatedTypes validatedTypes = new ValidatedTypes();
		for (ServerServiceDefinition service : services) {
			for (ServerMethodDefinition<?, ?> method : service.getMethods()) {
				MethodDescriptor<?, ?> descriptor = method.getMethodDescriptor();
				Message prototype = validatedTypes.requestToValidate(descriptor);
				if (prototype != null && seen.add(prototype.getDescriptorForType())) {
					warmUp(prototype, descriptor.getFullMethodName());
				}
			}
		}
		return seen.size();
	}

	private void warmUp(Message prototype, String fullMethodName) {
		try {
			// Validating the default instance builds and caches the evaluator of the type; the
			// result itself does not matter.
			this.validator.validate(prototype);
		}
		catch (ValidationException | RuntimeException ex) {
			logger.warn("Validation rules of " + prototype.getDescriptorForType().getFullName() + " (request of "
					+ fullMethodName + ") cannot be used; its calls will fail with INTERNAL", ex);
		}
	}

}
