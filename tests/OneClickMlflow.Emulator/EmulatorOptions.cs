using System.Collections.Generic;

namespace OneClickMlflow.Emulator;

/// <summary>How to start an emulator.</summary>
public sealed class EmulatorOptions
{
    /// <summary>The project seeded when <see cref="Projects"/> is empty.</summary>
    public const string DefaultProject = "mlflow-demo";

    /// <summary>The loopback port; 0 picks a free one.</summary>
    public int Port { get; set; }

    /// <summary>Project ids to seed; the project number is derived from the id. Empty means <see cref="DefaultProject"/>.</summary>
    public List<string> Projects { get; } = new();

    /// <summary>
    /// Project ids (also listed in <see cref="Projects"/>, or the default project) seeded in no organization, as a
    /// project made with a personal account is. Every other project sits in the default organization, example.com.
    /// </summary>
    public List<string> ProjectsWithoutOrganization { get; } = new();

    /// <summary>
    /// Named leniency switch: requests without an Authorization header act with every permission (gcloud with
    /// auth/disable_credentials). A token that is presented must still be valid.
    /// </summary>
    public bool AllowUnauthenticated { get; set; }

    /// <summary>"zero" (operations are done at once) or "realistic" (real-world durations).</summary>
    public string LatencyProfile { get; set; } = "zero";

    /// <summary>
    /// Named realism switch (realistic profile only): a service account created through the IAM API answers 404 to
    /// its getIamPolicy/setIamPolicy for its first seconds, as Google's eventual consistency does.
    /// </summary>
    public bool ServiceAccountPropagationDelay { get; set; }

    /// <summary>
    /// Named switch: Cloud SQL <c>instances.get</c> of a missing instance answers 403 "The client is not authorized
    /// to make this request." (as Google sometimes does) instead of 404.
    /// </summary>
    public bool SqlMissingInstanceAnswers403 { get; set; }

    /// <summary>
    /// How long a deleted Cloud SQL instance's producer resources keep using the private services connection (Google:
    /// up to about four days, the default). Zero releases them with the delete.
    /// </summary>
    public System.TimeSpan SqlProducerHoldAfterDelete { get; set; } = Apis.CloudSqlState.DefaultProducerHold;

    /// <summary>
    /// Named switch, off by default: keep every API request with its body and the answer with its body (secret values
    /// replaced), for the conformance suite (<see cref="EmulatorHost.Exchanges"/>, GET /_emulator/exchanges).
    /// </summary>
    public bool RecordExchanges { get; set; }

    /// <summary>
    /// Named leniency switch, off by default: a flexible version without IAP_AUDIENCE in its envVariables fails to
    /// become healthy, as the server image refuses to start without it. On (<c>--iap-audience-optional</c>), such a
    /// version comes up and its MLflow stand-in serves without checking the <c>x-goog-iap-jwt-assertion</c> header.
    /// </summary>
    public bool IapAudienceOptional { get; set; }

    /// <summary>
    /// Named switch, off (null) by default: every token the emulator issues lives at most this long (access tokens from
    /// the token, STS, metadata and generateAccessToken endpoints, ID tokens, and the <c>exp</c> of signJwt's JWTs),
    /// and the IAP front door's clock allows no skew past a token's expiry. Tests of clients that must renew tokens
    /// see several expiries in seconds (<c>--token-lifetime SECONDS</c>).
    /// </summary>
    public System.TimeSpan? TokenLifetime { get; set; }

    /// <summary>Multiplies the realistic durations (0.01 makes a 20 s enable take 0.2 s).</summary>
    public double LatencyScale { get; set; } = 1.0;
}
