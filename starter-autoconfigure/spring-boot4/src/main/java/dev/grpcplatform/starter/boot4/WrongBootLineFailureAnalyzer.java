package dev.grpcplatform.starter.boot4;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns the failure of the {@link BootLineGuard} into Spring Boot's start-up report: one
 * description and the artifact to use, without a stack trace.
 */
final class WrongBootLineFailureAnalyzer extends AbstractFailureAnalyzer<BootLineGuard.WrongBootLineException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, BootLineGuard.WrongBootLineException cause) {
		return new FailureAnalysis(cause.getMessage(),
				"Depend on the grpc-platform starter of your Spring Boot line: grpc-platform-spring-boot3-starter "
						+ "for Spring Boot 3.5, grpc-platform-spring-boot4-starter for Spring Boot 4.1.",
				cause);
	}

}
