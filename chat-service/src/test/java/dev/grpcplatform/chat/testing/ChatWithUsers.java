package dev.grpcplatform.chat.testing;

import dev.grpcplatform.starter.harness.RunningGrpcApplication;

/**
 * chat-service ({@link ChatServiceUnderTest}, memory broker) pointed at a stand-in user-service,
 * stopped together.
 */
public final class ChatWithUsers implements AutoCloseable {

	private final FakeUserService users;

	private final RunningGrpcApplication chat;

	private ChatWithUsers(FakeUserService users, RunningGrpcApplication chat) {
		this.users = users;
		this.chat = chat;
	}

	/**
	 * Starts chat-service against the given users; stops them if it does not start.
	 * @param users the stand-in user-service
	 * @param properties properties added to chat-service's defaults
	 * @return both, running
	 */
	public static ChatWithUsers start(FakeUserService users, String... properties) {
		try {
			String[] all = new String[properties.length + 1];
			all[0] = users.addressProperty();
			System.arraycopy(properties, 0, all, 1, properties.length);
			return new ChatWithUsers(users, ChatServiceUnderTest.start(all));
		}
		catch (RuntimeException ex) {
			users.close();
			throw ex;
		}
	}

	public RunningGrpcApplication chat() {
		return this.chat;
	}

	public FakeUserService users() {
		return this.users;
	}

	@Override
	public void close() {
		try {
			this.chat.close();
		}
		finally {
			this.users.close();
		}
	}

}
