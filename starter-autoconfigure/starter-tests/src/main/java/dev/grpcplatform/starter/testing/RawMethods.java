package dev.grpcplatform.starter.testing;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

import io.grpc.MethodDescriptor;

/**
 * Methods of any name and call shape whose messages travel as raw bytes, for calls that no generated
 * stub makes: methods the server does not have, names a hostile client chose, or bytes that are no
 * valid message of the method's request type.
 */
public final class RawMethods {

	private static final MethodDescriptor.Marshaller<byte[]> BYTES = new BytesMarshaller();

	private RawMethods() {
	}

	/**
	 * Returns a unary method that sends and receives raw bytes.
	 * @param fullMethodName full name, {@code service/method}
	 * @return the method
	 */
	public static MethodDescriptor<byte[], byte[]> unary(String fullMethodName) {
		return of(fullMethodName, MethodDescriptor.MethodType.UNARY);
	}

	/**
	 * Returns a method of the given call shape that sends and receives raw bytes.
	 * @param fullMethodName full name, {@code service/method}
	 * @param type call shape
	 * @return the method
	 */
	public static MethodDescriptor<byte[], byte[]> of(String fullMethodName, MethodDescriptor.MethodType type) {
		return MethodDescriptor.<byte[], byte[]>newBuilder()
			.setType(type)
			.setFullMethodName(fullMethodName)
			.setRequestMarshaller(BYTES)
			.setResponseMarshaller(BYTES)
			.build();
	}

	private static final class BytesMarshaller implements MethodDescriptor.Marshaller<byte[]> {

		@Override
		public InputStream stream(byte[] value) {
			return new ByteArrayInputStream(value);
		}

		@Override
		public byte[] parse(InputStream stream) {
			try {
				return stream.readAllBytes();
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

	}

}
