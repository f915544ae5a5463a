using System;
using System.Runtime.InteropServices;
using System.Security;
using System.Security.Cryptography;
using System.Text;

namespace OneClickMlflow.Deployment
{
    /// <summary>
    /// The user's own OAuth client for IAP. The secret stays a <see cref="SecureString"/>: it becomes text only for
    /// the request that sets it and for its sha256, which is compared with what App Engine reports
    /// (<c>oauth2ClientSecretSha256</c>) to see a change without ever storing it.
    /// </summary>
    public sealed class OAuthClient
    {
        public const string GoogleManaged = "Google-managed";

        private readonly SecureString secret;

        internal OAuthClient(string clientId, SecureString secret)
        {
            ClientId = clientId;
            this.secret = secret.Copy();
            this.secret.MakeReadOnly();
        }

        public string ClientId { get; }

        /// <summary>Lowercase hex sha256 of the secret's UTF-8 bytes, as App Engine reports it.</summary>
        public string SecretSha256() => WithSecret(text =>
        {
            using var sha = SHA256.Create();
            var hash = sha.ComputeHash(Encoding.UTF8.GetBytes(text));
            var hex = new StringBuilder(hash.Length * 2);
            foreach (var b in hash)
            {
                hex.Append(b.ToString("x2"));
            }
            return hex.ToString();
        });

        /// <summary>Gives the secret as text to <paramref name="use"/> only; the unmanaged copy is zeroed afterwards.</summary>
        internal T WithSecret<T>(Func<string, T> use)
        {
            var pointer = IntPtr.Zero;
            try
            {
                pointer = Marshal.SecureStringToGlobalAllocUnicode(secret);
                return use(Marshal.PtrToStringUni(pointer) ?? "");
            }
            finally
            {
                if (pointer != IntPtr.Zero)
                {
                    Marshal.ZeroFreeGlobalAllocUnicode(pointer);
                }
            }
        }

        public override string ToString() => ClientId;
    }
}
