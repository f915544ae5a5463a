using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace OneClickMlflow.Emulator.Infrastructure;

/// <summary>JSON types of protobuf fields, named as Google's error messages name them.</summary>
public enum FieldType
{
    String,
    Bytes,
    Int32,
    Int64,
    UInt64,
    Double,
    Bool,
    Enum,
    Message,
    /// <summary>A map with string keys (labels, envVariables); values follow <see cref="FieldSchema.MapValue"/>.</summary>
    Map,
    /// <summary>google.protobuf.Struct / Value / Any: any JSON is accepted.</summary>
    AnyJson,
}

public sealed class FieldSchema
{
    public required string JsonName { get; init; }
    public required FieldType Type { get; init; }
    public bool Repeated { get; init; }
    public bool Required { get; init; }
    public MessageSchema? Message { get; init; }
    public IReadOnlyCollection<string>? EnumValues { get; init; }
    public string? EnumTypeName { get; init; }
    public FieldSchema? MapValue { get; init; }

    /// <summary>The proto field name Google uses in error paths (snake_case).</summary>
    public string ProtoName => MessageSchema.ToSnakeCase(JsonName);
}

/// <summary>
/// A declared request message: field names and JSON types, nested and repeated fields, enums and required fields.
/// Declared fluently: <c>new MessageSchema("google.iam.v1.Policy").Int32("version").Repeated("bindings", binding)</c>.
/// </summary>
public sealed class MessageSchema
{
    private readonly Dictionary<string, FieldSchema> fieldsByName = new(StringComparer.Ordinal);
    private readonly List<FieldSchema> fields = new();

    public MessageSchema(string fullName)
    {
        FullName = fullName;
    }

    /// <summary>The proto type name, e.g. <c>google.iam.v1.Policy</c>.</summary>
    public string FullName { get; }

    public IReadOnlyList<FieldSchema> Fields => fields;

    public MessageSchema Add(FieldSchema field)
    {
        fields.Add(field);
        fieldsByName[field.JsonName] = field;
        // proto3 JSON parsers accept the original proto field name too.
        fieldsByName[field.ProtoName] = field;
        return this;
    }

    public FieldSchema? Find(string name) => fieldsByName.TryGetValue(name, out var field) ? field : null;

    public MessageSchema String(string name, bool required = false) => Scalar(name, FieldType.String, required);
    public MessageSchema Bytes(string name, bool required = false) => Scalar(name, FieldType.Bytes, required);
    public MessageSchema Int32(string name, bool required = false) => Scalar(name, FieldType.Int32, required);
    public MessageSchema Int64(string name, bool required = false) => Scalar(name, FieldType.Int64, required);
    public MessageSchema Double(string name, bool required = false) => Scalar(name, FieldType.Double, required);
    public MessageSchema Bool(string name, bool required = false) => Scalar(name, FieldType.Bool, required);
    public MessageSchema AnyJson(string name) => Scalar(name, FieldType.AnyJson, false);

    public MessageSchema Strings(string name, bool required = false) =>
        Add(new FieldSchema { JsonName = name, Type = FieldType.String, Repeated = true, Required = required });

    public MessageSchema Enum(string name, string enumTypeName, IEnumerable<string> values, bool required = false) =>
        Add(new FieldSchema
        {
            JsonName = name,
            Type = FieldType.Enum,
            EnumTypeName = enumTypeName,
            EnumValues = values.ToArray(),
            Required = required,
        });

    public MessageSchema Message(string name, MessageSchema message, bool required = false) =>
        Add(new FieldSchema { JsonName = name, Type = FieldType.Message, Message = message, Required = required });

    public MessageSchema Messages(string name, MessageSchema message, bool required = false) =>
        Add(new FieldSchema
        {
            JsonName = name,
            Type = FieldType.Message,
            Message = message,
            Repeated = true,
            Required = required,
        });

    public MessageSchema StringMap(string name) => Add(new FieldSchema
    {
        JsonName = name,
        Type = FieldType.Map,
        MapValue = new FieldSchema { JsonName = "value", Type = FieldType.String },
    });

    private MessageSchema Scalar(string name, FieldType type, bool required) =>
        Add(new FieldSchema { JsonName = name, Type = type, Required = required });

    internal static string ToSnakeCase(string name)
    {
        var builder = new StringBuilder(name.Length + 4);
        foreach (var c in name)
        {
            if (char.IsUpper(c))
            {
                builder.Append('_').Append(char.ToLowerInvariant(c));
            }
            else
            {
                builder.Append(c);
            }
        }
        return builder.ToString();
    }
}
