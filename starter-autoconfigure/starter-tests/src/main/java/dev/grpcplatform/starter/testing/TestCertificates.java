package dev.grpcplatform.starter.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;

import javax.security.auth.x500.X500Principal;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Certificates generated at test time: a CA, and server and client certificates it signs, written
 * as PEM files (and PKCS#12 keystores) into a directory.
 *
 * <p>The server certificate is valid for {@code localhost} and {@code 127.0.0.1}.
 */
public final class TestCertificates {

	/**
	 * Password of the PKCS#12 keystores.
	 */
	public static final String KEYSTORE_PASSWORD = "changeit";

	private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

	private final Path directory;

	private final KeyPair caKeys;

	private final X509Certificate caCertificate;

	private TestCertificates(Path directory, KeyPair caKeys, X509Certificate caCertificate) {
		this.directory = directory;
		this.caKeys = caKeys;
		this.caCertificate = caCertificate;
	}

	/**
	 * Creates a CA with the given name and writes its certificate to {@code <name>.crt}.
	 * @param directory directory for the files
	 * @param name common name of the CA, also the file name
	 * @return the CA
	 */
	public static TestCertificates createCa(Path directory, String name) throws Exception {
		KeyPair keys = newKeyPair();
		X500Name subject = name(name);
		X509v3CertificateBuilder builder = builder(subject, subject, keys);
		builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
		builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
		X509Certificate certificate = sign(builder, keys.getPrivate());
		TestCertificates ca = new TestCertificates(directory, keys, certificate);
		ca.writePem(name + ".crt", certificate);
		return ca;
	}

	/**
	 * Returns the PEM file of the CA's certificate.
	 * @return the file
	 */
	public Path caCertificate() {
		return this.directory.resolve(commonName(this.caCertificate) + ".crt");
	}

	/**
	 * Issues a server certificate for {@code localhost} and {@code 127.0.0.1}.
	 * @param name common name, also the base of the file names
	 * @return the files
	 */
	public Issued issueServer(String name) throws Exception {
		return issue(name, KeyPurposeId.id_kp_serverAuth, true);
	}

	/**
	 * Issues a client certificate.
	 * @param name common name, also the base of the file names
	 * @return the files
	 */
	public Issued issueClient(String name) throws Exception {
		return issue(name, KeyPurposeId.id_kp_clientAuth, false);
	}

	private Issued issue(String name, KeyPurposeId purpose, boolean server) throws Exception {
		KeyPair keys = newKeyPair();
		X509v3CertificateBuilder builder = builder(
				X500Name.getInstance(this.caCertificate.getSubjectX500Principal().getEncoded()), name(name), keys);
		JcaX509ExtensionUtils extensions = new JcaX509ExtensionUtils();
		builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
		builder.addExtension(Extension.keyUsage, true,
				new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
		builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
		builder.addExtension(Extension.authorityKeyIdentifier, false,
				extensions.createAuthorityKeyIdentifier(this.caCertificate));
		if (server) {
			builder.addExtension(Extension.subjectAlternativeName, false,
					new GeneralNames(new GeneralName[] { new GeneralName(GeneralName.dNSName, "localhost"),
							new GeneralName(GeneralName.iPAddress, InetAddress.getLoopbackAddress().getHostAddress()) }));
		}
		X509Certificate certificate = sign(builder, this.caKeys.getPrivate());
		Path certificateFile = writePem(name + ".crt", certificate);
		Path keyFile = writePem(name + ".key", new JcaPKCS8Generator(keys.getPrivate(), null));
		Path keystore = this.directory.resolve(name + ".p12");
		KeyStore store = KeyStore.getInstance("PKCS12");
		store.load(null, null);
		store.setKeyEntry(name, keys.getPrivate(), KEYSTORE_PASSWORD.toCharArray(),
				new Certificate[] { certificate, this.caCertificate });
		try (OutputStream out = Files.newOutputStream(keystore)) {
			store.store(out, KEYSTORE_PASSWORD.toCharArray());
		}
		return new Issued(certificate, certificateFile, keyFile, keystore);
	}

	private Path writePem(String fileName, Object object) throws IOException {
		StringWriter text = new StringWriter();
		try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
			writer.writeObject(object);
		}
		Path file = this.directory.resolve(fileName);
		Files.writeString(file, text.toString(), StandardCharsets.US_ASCII);
		return file;
	}

	private static X500Name name(String commonName) {
		// Through the JDK, so that the RFC 2253 form reads "CN=<name>,O=grpc-platform tests".
		return X500Name.getInstance(new X500Principal("CN=" + commonName + ",O=grpc-platform tests").getEncoded());
	}

	private static KeyPair newKeyPair() throws GeneralSecurityException {
		KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
		generator.initialize(256);
		return generator.generateKeyPair();
	}

	private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair keys) {
		Instant now = Instant.now();
		return new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(SERIAL.incrementAndGet()),
				Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(1))), subject,
				keys.getPublic());
	}

	private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey key)
			throws OperatorCreationException, GeneralSecurityException {
		return new JcaX509CertificateConverter()
			.getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key)));
	}

	private static String commonName(X509Certificate certificate) {
		String dn = certificate.getSubjectX500Principal().getName();
		return dn.substring(3, dn.indexOf(','));
	}

	/**
	 * An issued certificate and its files.
	 *
	 * @param certificate the certificate
	 * @param certificateFile PEM file of the certificate
	 * @param privateKeyFile PEM file of the private key (PKCS#8)
	 * @param keystore PKCS#12 keystore with key and chain, password {@value #KEYSTORE_PASSWORD}
	 */
	public record Issued(X509Certificate certificate, Path certificateFile, Path privateKeyFile, Path keystore) {

		/**
		 * Returns the subject of the certificate as an RFC 2253 name.
		 * @return the subject
		 */
		public String subject() {
			return this.certificate.getSubjectX500Principal().getName();
		}

	}

}
