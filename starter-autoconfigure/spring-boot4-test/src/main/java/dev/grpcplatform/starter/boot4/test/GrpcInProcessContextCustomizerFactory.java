package dev.grpcplatform.starter.boot4.test;

import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.TestContextAnnotationUtils;

/**
 * Creates a {@link GrpcInProcessContextCustomizer} for test classes annotated with
 * {@link AutoConfigureGrpcInProcess}.
 */
class GrpcInProcessContextCustomizerFactory implements ContextCustomizerFactory {

	@Override
	public @Nullable ContextCustomizer createContextCustomizer(Class<?> testClass,
			List<ContextConfigurationAttributes> configAttributes) {
		boolean annotated = TestContextAnnotationUtils.findMergedAnnotation(testClass,
				AutoConfigureGrpcInProcess.class) != null;
		return annotated ? new GrpcInProcessContextCustomizer() : null;
	}

}
