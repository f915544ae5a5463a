using System.Security.Cryptography;

namespace OneClickMlflow.Deployment.Resources
{
    /// <summary>Database passwords: 32 characters from a cryptographic source, none of which needs escaping in a URL.</summary>
    public static class DatabasePassword
    {
        public const int Length = 32;

        private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

        /// <summary>A new password (about 190 bits). Bytes at or above the largest multiple of 62 are drawn again, so every character is equally likely.</summary>
        public static string Generate()
        {
            var limit = 256 - (256 % Alphabet.Length);
            var chars = new char[Length];
            var buffer = new byte[1];
            using var random = RandomNumberGenerator.Create();
            for (var i = 0; i < Length;)
            {
                random.GetBytes(buffer);
                if (buffer[0] < limit)
                {
                    chars[i++] = Alphabet[buffer[0] % Alphabet.Length];
                }
            }

            return new string(chars);
        }
    }
}
