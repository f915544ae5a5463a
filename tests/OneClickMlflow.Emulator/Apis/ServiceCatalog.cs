using System.Collections.Generic;

namespace OneClickMlflow.Emulator.Apis;

/// <summary>Real Google service names the emulator knows, with their console titles.</summary>
public static class ServiceCatalog
{
    public static readonly IReadOnlyDictionary<string, string> Titles = new SortedDictionary<string, string>
    {
        ["appengine.googleapis.com"] = "App Engine Admin API",
        ["appengineflex.googleapis.com"] = "Google App Engine Flexible Environment",
        ["artifactregistry.googleapis.com"] = "Artifact Registry API",
        ["bigquery.googleapis.com"] = "BigQuery API",
        ["bigquerystorage.googleapis.com"] = "BigQuery Storage API",
        ["cloudapis.googleapis.com"] = "Google Cloud APIs",
        ["cloudbuild.googleapis.com"] = "Cloud Build API",
        ["clouddebugger.googleapis.com"] = "Cloud Debugger API",
        ["cloudresourcemanager.googleapis.com"] = "Cloud Resource Manager API",
        ["cloudtrace.googleapis.com"] = "Cloud Trace API",
        ["compute.googleapis.com"] = "Compute Engine API",
        ["containerregistry.googleapis.com"] = "Container Registry API",
        ["datastore.googleapis.com"] = "Cloud Datastore API",
        ["dns.googleapis.com"] = "Cloud DNS API",
        ["iam.googleapis.com"] = "Identity and Access Management (IAM) API",
        ["iamcredentials.googleapis.com"] = "IAM Service Account Credentials API",
        ["iap.googleapis.com"] = "Cloud Identity-Aware Proxy API",
        ["logging.googleapis.com"] = "Cloud Logging API",
        ["monitoring.googleapis.com"] = "Cloud Monitoring API",
        ["oslogin.googleapis.com"] = "Cloud OS Login API",
        ["pubsub.googleapis.com"] = "Cloud Pub/Sub API",
        ["run.googleapis.com"] = "Cloud Run Admin API",
        ["secretmanager.googleapis.com"] = "Secret Manager API",
        ["servicemanagement.googleapis.com"] = "Service Management API",
        ["servicenetworking.googleapis.com"] = "Service Networking API",
        ["serviceusage.googleapis.com"] = "Service Usage API",
        ["sql-component.googleapis.com"] = "Cloud SQL",
        ["sqladmin.googleapis.com"] = "Cloud SQL Admin API",
        ["storage-api.googleapis.com"] = "Google Cloud Storage JSON API",
        ["storage-component.googleapis.com"] = "Cloud Storage",
        ["storage.googleapis.com"] = "Cloud Storage API",
        ["sts.googleapis.com"] = "Security Token Service API",
        ["vpcaccess.googleapis.com"] = "Serverless VPC Access API",
    };

    public static bool IsKnown(string serviceName) => Titles.ContainsKey(serviceName);

    public static string TitleOf(string serviceName) => Titles.TryGetValue(serviceName, out var title) ? title : serviceName;
}
