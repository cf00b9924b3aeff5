package dev.grpcplatform.chat.room;

import java.util.concurrent.atomic.AtomicBoolean;

import dev.grpcplatform.proto.chat.v1.Member;

/**
 * One stream's presence in one room.
 */
final class Membership {

	private final String roomId;

	private final Member member;

	private final String presenceId;

	private final MemberOutbox outbox;

	private final AtomicBoolean left = new AtomicBoolean();

	Membership(String roomId, Member member, String presenceId, MemberOutbox outbox) {
		this.roomId = roomId;
		this.member = member;
		this.presenceId = presenceId;
		this.outbox = outbox;
	}

	String roomId() {
		return this.roomId;
	}

	Member member() {
		return this.member;
	}

	String presenceId() {
		return this.presenceId;
	}

	MemberOutbox outbox() {
		return this.outbox;
	}

	/**
	 * Marks the membership as ended.
	 * @return whether this invocation ended it
	 */
	boolean markLeft() {
		return this.left.compareAndSet(false, true);
	}

}
