package dev.grpcplatform.starter.security;

import java.security.cert.X509Certificate;

import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.authority.AuthorityUtils;
import org.springframework.util.Assert;

/**
 * Authentication of a caller by the client certificate it presented in the TLS handshake (mTLS),
 * named by the certificate's subject.
 *
 * <p>The TLS layer verified the certificate against the server's truststore; the caller has no
 * authorities, so methods that require scopes stay closed to it.
 */
public final class X509CertificateAuthentication extends AbstractAuthenticationToken {

	private static final long serialVersionUID = 1L;

	private final X509Certificate certificate;

	private final String subject;

	/**
	 * Creates an authentication for the given verified client certificate.
	 * @param certificate the client's certificate
	 */
	public X509CertificateAuthentication(X509Certificate certificate) {
		super(AuthorityUtils.NO_AUTHORITIES);
		Assert.notNull(certificate, "certificate must not be null");
		this.certificate = certificate;
		this.subject = certificate.getSubjectX500Principal().getName();
		setAuthenticated(true);
	}

	/**
	 * Returns the subject of the certificate as an RFC 2253 distinguished name, such as
	 * {@code CN=billing,O=Example}.
	 * @return the subject
	 */
	@Override
	public String getPrincipal() {
		return this.subject;
	}

	/**
	 * Returns the client's certificate.
	 * @return the certificate
	 */
	@Override
	public X509Certificate getCredentials() {
		return this.certificate;
	}

	@Override
	public String getName() {
		return this.subject;
	}

}
