package dev.grpcplatform.starter.validation;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration properties of the validation of gRPC request messages with protovalidate.
 */
@ConfigurationProperties("platform.grpc.validation")
public class GrpcValidationProperties {

	/**
	 * Whether to validate every protobuf request message against its protovalidate rules before the
	 * handler sees it. The protovalidate Validator bean exists either way.
	 */
	private boolean enabled = true;

	/**
	 * Whether validation stops at the first violation of a message instead of reporting all of them.
	 */
	private boolean failFast;

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public boolean isFailFast() {
		return this.failFast;
	}

	public void setFailFast(boolean failFast) {
		this.failFast = failFast;
	}

}
