using OneClickMlflow.Emulator.Iam;
using OneClickMlflow.Emulator.Infrastructure;

namespace OneClickMlflow.Emulator.Apis;

/// <summary>Cloud Storage JSON v1 request bodies (storage_v1_messages: Bucket, Policy).</summary>
public static class StorageSchemas
{
    private static readonly MessageSchema Toggle = new MessageSchema("storage.Bucket.Toggle")
        .Bool("enabled").String("lockedTime");

    private static readonly MessageSchema IamConfiguration = new MessageSchema("storage.Bucket.IamConfigurationValue")
        .Message("bucketPolicyOnly", Toggle).Message("uniformBucketLevelAccess", Toggle).String("publicAccessPrevention");

    private static readonly MessageSchema Versioning = new MessageSchema("storage.Bucket.VersioningValue").Bool("enabled");

    private static readonly MessageSchema SoftDeletePolicy = new MessageSchema("storage.Bucket.SoftDeletePolicyValue")
        .Int64("retentionDurationSeconds").String("effectiveTime");

    private static readonly MessageSchema RetentionPolicy = new MessageSchema("storage.Bucket.RetentionPolicyValue")
        .Int64("retentionPeriod").Bool("isLocked").String("effectiveTime");

    private static readonly MessageSchema Autoclass = new MessageSchema("storage.Bucket.AutoclassValue")
        .Bool("enabled").String("terminalStorageClass").String("toggleTime").String("terminalStorageClassUpdateTime");

    private static readonly MessageSchema Logging = new MessageSchema("storage.Bucket.LoggingValue")
        .String("logBucket").String("logObjectPrefix");

    private static readonly MessageSchema Website = new MessageSchema("storage.Bucket.WebsiteValue")
        .String("mainPageSuffix").String("notFoundPage");

    private static readonly MessageSchema LifecycleRule = new MessageSchema("storage.Bucket.LifecycleValue.RuleValueListEntry")
        .Message("action", new MessageSchema("storage.Bucket.LifecycleValue.RuleValueListEntry.ActionValue").String("type").String("storageClass"))
        .Message("condition", new MessageSchema("storage.Bucket.LifecycleValue.RuleValueListEntry.ConditionValue")
            .Int32("age").String("createdBefore").String("customTimeBefore").Int32("daysSinceCustomTime").Int32("daysSinceNoncurrentTime")
            .Bool("isLive").String("matchesPattern").Strings("matchesPrefix").Strings("matchesStorageClass").Strings("matchesSuffix")
            .String("noncurrentTimeBefore").Int32("numNewerVersions"));

    public static readonly MessageSchema Bucket = new MessageSchema("storage.Bucket")
        .String("kind").String("id").String("selfLink").String("name").String("projectNumber").String("etag")
        .Int64("metageneration").Int64("generation").String("timeCreated").String("updated")
        .String("location").String("locationType").String("storageClass").String("rpo")
        .Bool("satisfiesPZS").Bool("satisfiesPZI").Bool("defaultEventBasedHold")
        .StringMap("labels").Message("iamConfiguration", IamConfiguration).Message("versioning", Versioning)
        .Message("softDeletePolicy", SoftDeletePolicy).Message("retentionPolicy", RetentionPolicy)
        .Message("autoclass", Autoclass).Message("logging", Logging).Message("website", Website)
        .Message("billing", new MessageSchema("storage.Bucket.BillingValue").Bool("requesterPays"))
        .Message("encryption", new MessageSchema("storage.Bucket.EncryptionValue").String("defaultKmsKeyName"))
        .Message("hierarchicalNamespace", new MessageSchema("storage.Bucket.HierarchicalNamespaceValue").Bool("enabled"))
        .Message("objectRetention", new MessageSchema("storage.Bucket.ObjectRetentionValue").String("mode"))
        .Message("customPlacementConfig", new MessageSchema("storage.Bucket.CustomPlacementConfigValue").Strings("dataLocations"))
        .Message("lifecycle", new MessageSchema("storage.Bucket.LifecycleValue").Messages("rule", LifecycleRule)).AnyJson("cors").AnyJson("acl").AnyJson("defaultObjectAcl").AnyJson("owner").AnyJson("ipFilter");

    public static readonly MessageSchema Policy = new MessageSchema("storage.Policy")
        .String("kind").String("resourceId").Int32("version").String("etag").Messages("bindings", IamSchemas.Binding);
}
