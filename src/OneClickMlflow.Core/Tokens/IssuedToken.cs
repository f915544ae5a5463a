using System;

namespace OneClickMlflow.Tokens
{
    /// <summary>A bearer token for the tracking server: who it speaks for, for whom, and until when.</summary>
    public sealed class IssuedToken
    {
        public IssuedToken(string value, DateTimeOffset expiresOn, string serviceAccount, string audience)
        {
            Value = value;
            ExpiresOn = expiresOn;
            ServiceAccount = serviceAccount;
            Audience = audience;
        }

        /// <summary>The token itself; never written to logs or messages.</summary>
        public string Value { get; }

        public DateTimeOffset ExpiresOn { get; }

        public string ServiceAccount { get; }

        public string Audience { get; }

        public override string ToString() => $"token of {ServiceAccount} for {Audience} until {ExpiresOn:u}";
    }
}
