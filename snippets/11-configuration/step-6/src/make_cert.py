"""Make a private key and a self-signed certificate for signing task messages.

Good for trying the auth serializer out; in production they come from your own certificate authority.
"""

import datetime
import os

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

NAME, DAYS = "celery-course", 365

key = rsa.generate_private_key(public_exponent=65537, key_size=2048)  # the auth serializer needs RSA
name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, NAME)])
now = datetime.datetime.now(datetime.timezone.utc)
certificate = (
    x509.CertificateBuilder()
    .subject_name(name)
    .issuer_name(name)  # self-signed: issued by itself
    .public_key(key.public_key())
    .serial_number(x509.random_serial_number())
    .not_valid_before(now)
    .not_valid_after(now + datetime.timedelta(days=DAYS))
    .sign(key, hashes.SHA256())
)

# the private key: readable by its owner only
with open("worker.key", "wb", opener=lambda path, flags: os.open(path, flags, 0o600)) as f:
    f.write(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
with open("worker.pem", "wb") as f:
    f.write(certificate.public_bytes(serialization.Encoding.PEM))
print(f"wrote worker.key and worker.pem (CN={NAME}, valid for {DAYS} days)")
