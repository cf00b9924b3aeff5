package dev.grpcplatform.starter.errors;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.env.Environment;
import org.springframework.util.StringUtils;

/**
 * Configuration properties of the mapping of handler exceptions to gRPC statuses.
 */
@ConfigurationProperties("platform.grpc.errors")
public class GrpcErrorsProperties implements EnvironmentAware {

	static final String DEFAULT_DOMAIN = "grpc-platform";

	/**
	 * Whether to map exceptions thrown by gRPC handlers to statuses with rich error details.
	 */
	private boolean enabled = true;

	/**
	 * Domain of the google.rpc.ErrorInfo of every error, usually the service's name. When not set,
	 * spring.application.name is used, or "grpc-platform" if that is not set either.
	 */
	private String domain;

	private Environment environment;

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public String getDomain() {
		return this.domain;
	}

	public void setDomain(String domain) {
		this.domain = domain;
	}

	@Override
	public void setEnvironment(Environment environment) {
		this.environment = environment;
	}

	/**
	 * Determines the domain to use: the configured one, else the application's name, else
	 * {@code grpc-platform}.
	 * @return the domain
	 */
	public String determineDomain() {
		if (StringUtils.hasText(this.domain)) {
			return this.domain;
		}
		String applicationName = (this.environment != null) ? this.environment.getProperty("spring.application.name")
				: null;
		return StringUtils.hasText(applicationName) ? applicationName : DEFAULT_DOMAIN;
	}

}
