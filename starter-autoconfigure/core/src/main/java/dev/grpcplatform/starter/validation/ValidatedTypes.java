package dev.grpcplatform.starter.validation;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.Message;
import io.grpc.MethodDescriptor;
import org.jspecify.annotations.Nullable;

/**
 * Which request types can carry protovalidate rules: a type can only if the file of the type or of a
 * message type it contains imports {@value #RULES_FILE}, directly or through other imports (rules
 * are options that file defines). Requests of other types (gRPC health, reflection, contracts without
 * rules) skip the validator: validating them finds nothing, and the first one would otherwise wait for
 * the validator's lock while it compiles another type's rules.
 *
 * <p>Answers are kept per instance (one per interceptor), never in a static map that would hold the
 * descriptors, and with them the application's class loader, after the application stopped.
 */
final class ValidatedTypes {

	static final String RULES_FILE = "buf/validate/validate.proto";

	private final Map<Descriptor, Boolean> mayHaveRules = new ConcurrentHashMap<>();

	/**
	 * Returns the request prototype of a method whose requests can carry rules.
	 * @param method the method
	 * @return its request prototype, or {@code null} when its requests are no protobuf messages or
	 * cannot carry rules
	 */
	@Nullable Message requestToValidate(MethodDescriptor<?, ?> method) {
		if (method.getRequestMarshaller() instanceof MethodDescriptor.PrototypeMarshaller<?> marshaller
				&& marshaller.getMessagePrototype() instanceof Message prototype
				&& mayHaveRules(prototype.getDescriptorForType())) {
			return prototype;
		}
		return null;
	}

	boolean mayHaveRules(Descriptor type) {
		Boolean known = this.mayHaveRules.get(type);
		if (known == null) {
			known = computeMayHaveRules(type);
			this.mayHaveRules.put(type, known);
		}
		return known;
	}

	private static boolean computeMayHaveRules(Descriptor type) {
		Set<Descriptor> seenTypes = new HashSet<>();
		Set<FileDescriptor> seenFiles = new HashSet<>();
		Deque<Descriptor> pending = new ArrayDeque<>();
		pending.add(type);
		while (!pending.isEmpty()) {
			Descriptor next = pending.poll();
			if (!seenTypes.add(next)) {
				continue;
			}
			if (importsRules(next.getFile(), seenFiles)) {
				return true;
			}
			for (FieldDescriptor field : next.getFields()) {
				if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
					pending.add(field.getMessageType());
				}
			}
		}
		return false;
	}

	// A file seen before imports no rules (else the search had ended there), so each file is read once.
	private static boolean importsRules(FileDescriptor file, Set<FileDescriptor> seenFiles) {
		if (!seenFiles.add(file)) {
			return false;
		}
		if (file.getName().equals(RULES_FILE)) {
			return true;
		}
		for (FileDescriptor dependency : file.getDependencies()) {
			if (importsRules(dependency, seenFiles)) {
				return true;
			}
		}
		return false;
	}

}
