package dev.grpcplatform.starter.testing;

import java.util.concurrent.TimeUnit;

import dev.grpcplatform.starter.harness.RunningGrpcApplication;
import dev.grpcplatform.starter.testing.v1.EchoServiceGrpc;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Base of a test class (typically {@code @Nested}) whose tests share one {@link RunningGrpcApplication}:
 * started before the first test and closed after the last, with a blocking and an async stub of
 * {@code platform.testing.v1.EchoService}, whose record of calls is cleared before each test.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class SharedEchoServer {

	private final String[] properties;

	/**
	 * Server shared by the tests of the class.
	 */
	protected RunningGrpcApplication server;

	/**
	 * Blocking stub on a channel of its own, with a deadline of 10 seconds.
	 */
	protected EchoServiceGrpc.EchoServiceBlockingStub blocking;

	/**
	 * Async stub on a channel of its own.
	 */
	protected EchoServiceGrpc.EchoServiceStub async;

	/**
	 * Creates the base for a server started with the given extra properties.
	 * @param properties properties ({@code key=value}) added to those of {@link RunningGrpcApplication#start}
	 */
	protected SharedEchoServer(String... properties) {
		this.properties = properties;
	}

	@BeforeAll
	void startServer() {
		this.server = TestServers.start(this.properties);
		this.blocking = EchoServiceGrpc.newBlockingStub(this.server.newChannel())
			.withDeadlineAfter(10, TimeUnit.SECONDS);
		this.async = EchoServiceGrpc.newStub(this.server.newChannel());
	}

	@AfterAll
	void stopServer() {
		this.server.close();
	}

	@BeforeEach
	void forgetCalls() {
		echoService().received.clear();
		echoService().cancelledStreams.clear();
	}

	/**
	 * Returns the echo service of the shared server.
	 * @return the service
	 */
	protected EchoGrpcService echoService() {
		return this.server.bean(EchoGrpcService.class);
	}

	/**
	 * Waits up to 10 seconds for the handler of the stream that began with the given text to be
	 * told that the stream was cancelled.
	 * @param firstText text of the stream's first request
	 * @throws AssertionError if it is not told in time
	 */
	protected void awaitCancelledStream(String firstText) throws InterruptedException {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		while (!echoService().cancelledStreams.contains(firstText) && System.nanoTime() < deadline) {
			Thread.sleep(10);
		}
		assertThat(echoService().cancelledStreams).contains(firstText);
	}

}
