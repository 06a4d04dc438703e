package dev.emostream.app.faults;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throwaway PKI made for one test class, as PKCS12 files under one password: a CA ({@link #truststore()}), a
 * server certificate for {@code localhost} and {@code 127.0.0.1} (the broker's and the HTTPS proxy's,
 * {@link #serverKeystore()}) and a client certificate ({@link #clientKeystore()}, for mutual TLS). Each store holds
 * its key with the chain up to the CA, so the peer needs only the CA. EC P-256 keys: generated in milliseconds.
 */
final class TestCertificates {

    static final String CLIENT_DN = "CN=emostream-app,O=emostream test";
    private static final String SIGNATURE = "SHA256withECDSA";
    private static final Duration VALIDITY = Duration.ofDays(1);

    private final Path truststore;
    private final Path serverKeystore;
    private final Path clientKeystore;
    private final String password;
    private final KeyStore serverKeys;

    private TestCertificates(Path truststore, Path serverKeystore, Path clientKeystore, String password,
                             KeyStore serverKeys) {
        this.truststore = truststore;
        this.serverKeystore = serverKeystore;
        this.clientKeystore = clientKeystore;
        this.password = password;
        this.serverKeys = serverKeys;
    }

    static TestCertificates create(Path dir, String password) throws IOException, GeneralSecurityException {
        Files.createDirectories(dir);
        char[] pw = password.toCharArray();
        KeyPair caKeys = newKeyPair();
        X500Name caName = new X500Name("CN=emostream test CA");
        X509Certificate ca = sign(caName, caKeys.getPrivate(), caName, caKeys, true, null);

        KeyPair serverPair = newKeyPair();
        X509Certificate server = sign(caName, caKeys.getPrivate(), new X500Name("CN=localhost,O=emostream test"),
                serverPair, false, new GeneralNames(new GeneralName[]{
                        new GeneralName(GeneralName.dNSName, "localhost"),
                        new GeneralName(GeneralName.iPAddress, "127.0.0.1")}),
                KeyPurposeId.id_kp_serverAuth);
        KeyPair clientPair = newKeyPair();
        X509Certificate client = sign(caName, caKeys.getPrivate(), new X500Name(CLIENT_DN), clientPair, false, null,
                KeyPurposeId.id_kp_clientAuth);

        KeyStore trust = emptyStore();
        trust.setCertificateEntry("ca", ca);
        KeyStore serverKeys = emptyStore();
        serverKeys.setKeyEntry("server", serverPair.getPrivate(), pw, new Certificate[]{server, ca});
        KeyStore clientKeys = emptyStore();
        clientKeys.setKeyEntry("client", clientPair.getPrivate(), pw, new Certificate[]{client, ca});
        return new TestCertificates(write(trust, dir.resolve("truststore.p12"), pw),
                write(serverKeys, dir.resolve("server.p12"), pw), write(clientKeys, dir.resolve("client.p12"), pw),
                password, serverKeys);
    }

    /** The CA certificate alone: what every client and the broker's mTLS listener trust. */
    Path truststore() {
        return truststore;
    }

    Path serverKeystore() {
        return serverKeystore;
    }

    Path clientKeystore() {
        return clientKeystore;
    }

    /** Of every store and key. */
    String password() {
        return password;
    }

    /** For a JDK HTTPS server presenting the server certificate. */
    SSLContext serverSslContext() throws GeneralSecurityException {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(serverKeys, password.toCharArray());
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        return ctx;
    }

    private static KeyPair newKeyPair() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(256);
        return generator.generateKeyPair();
    }

    private static X509Certificate sign(X500Name issuer, PrivateKey issuerKey, X500Name subject, KeyPair subjectKeys,
                                        boolean ca, GeneralNames altNames, KeyPurposeId... purposes)
            throws GeneralSecurityException {
        Instant now = Instant.now();
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer,
                new BigInteger(64, new SecureRandom()), Date.from(now.minus(VALIDITY)), Date.from(now.plus(VALIDITY)),
                subject, subjectKeys.getPublic());
        try {
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
            builder.addExtension(Extension.subjectKeyIdentifier, false,
                    new JcaX509ExtensionUtils().createSubjectKeyIdentifier(subjectKeys.getPublic()));
            if (ca) {
                builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            } else {
                builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
                builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purposes));
            }
            if (altNames != null) {
                builder.addExtension(Extension.subjectAlternativeName, false, altNames);
            }
            return new JcaX509CertificateConverter()
                    .getCertificate(builder.build(new JcaContentSignerBuilder(SIGNATURE).build(issuerKey)));
        } catch (CertIOException | OperatorCreationException e) {
            throw new GeneralSecurityException("cannot make the test certificate " + subject, e);
        }
    }

    private static KeyStore emptyStore() throws GeneralSecurityException, IOException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        return store;
    }

    private static Path write(KeyStore store, Path file, char[] password) throws IOException, GeneralSecurityException {
        try (OutputStream out = Files.newOutputStream(file)) {
            store.store(out, password);
        }
        return file;
    }
}
