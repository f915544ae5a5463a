using OneClickMlflow.Emulator.Infrastructure;

namespace OneClickMlflow.Emulator.Iam;

/// <summary>The google.iam.v1 request messages every API with IAM policies accepts.</summary>
public static class IamSchemas
{
    public static readonly MessageSchema Expr = new MessageSchema("google.type.Expr")
        .String("expression").String("title").String("description").String("location");

    public static readonly MessageSchema Binding = new MessageSchema("google.iam.v1.Binding")
        .String("role").Strings("members").Message("condition", Expr);

    public static readonly MessageSchema AuditLogConfig = new MessageSchema("google.iam.v1.AuditLogConfig")
        .Enum("logType", "google.iam.v1.AuditLogConfig.LogType", new[] { "LOG_TYPE_UNSPECIFIED", "ADMIN_READ", "DATA_WRITE", "DATA_READ" })
        .Strings("exemptedMembers");

    public static readonly MessageSchema AuditConfig = new MessageSchema("google.iam.v1.AuditConfig")
        .String("service").Messages("auditLogConfigs", AuditLogConfig);

    public static readonly MessageSchema Policy = new MessageSchema("google.iam.v1.Policy")
        .Int32("version").Messages("bindings", Binding).Messages("auditConfigs", AuditConfig).Bytes("etag");

    public static readonly MessageSchema SetIamPolicyRequest = new MessageSchema("google.iam.v1.SetIamPolicyRequest")
        .Message("policy", Policy, required: true).String("updateMask");

    public static readonly MessageSchema GetPolicyOptions = new MessageSchema("google.iam.v1.GetPolicyOptions")
        .Int32("requestedPolicyVersion");

    public static readonly MessageSchema GetIamPolicyRequest = new MessageSchema("google.iam.v1.GetIamPolicyRequest")
        .Message("options", GetPolicyOptions);

    public static readonly MessageSchema TestIamPermissionsRequest = new MessageSchema("google.iam.v1.TestIamPermissionsRequest")
        .Strings("permissions");
}
