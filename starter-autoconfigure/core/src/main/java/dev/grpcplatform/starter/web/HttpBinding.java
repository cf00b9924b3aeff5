package dev.grpcplatform.starter.web;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.grpc.MethodDescriptor;
import org.jspecify.annotations.Nullable;

/**
 * One {@code google.api.http} rule of one method: HTTP verb and path template, where the body goes
 * and which response field is the body.
 *
 * @param verb HTTP method, upper case
 * @param template the path template
 * @param body the top-level request field the body fills, or {@code null}
 * @param wholeBody whether the body is the whole request ({@code body: "*"})
 * @param responseBody the response field whose value is the response body, or {@code null} for the
 * whole response
 * @param method the method, with the service's own marshallers
 * @param requestPrototype default instance of the request message
 */
record HttpBinding(String verb, PathTemplate template, @Nullable FieldDescriptor body, boolean wholeBody,
		@Nullable FieldDescriptor responseBody, MethodDescriptor<Message, Message> method,
		Message requestPrototype) {

	boolean streaming() {
		return this.method.getType() == MethodDescriptor.MethodType.SERVER_STREAMING;
	}

}
