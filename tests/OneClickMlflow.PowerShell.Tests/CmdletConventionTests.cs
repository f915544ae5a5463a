using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Reflection;
using Xunit;

namespace OneClickMlflow.Tests;

/// <summary>The module's public surface follows PowerShell's cmdlet guidelines; checked over every cmdlet.</summary>
public sealed class CmdletConventionTests
{
    private static readonly HashSet<string> VerbsThatChangeNothing = new(StringComparer.OrdinalIgnoreCase)
    {
        VerbsCommon.Get, VerbsCommon.Find, VerbsCommon.Search, VerbsCommon.Select, VerbsCommon.Format, VerbsCommon.Watch,
        VerbsDiagnostic.Test, VerbsDiagnostic.Measure, VerbsDiagnostic.Resolve, VerbsDiagnostic.Trace, VerbsDiagnostic.Ping,
        VerbsData.Compare, VerbsData.ConvertFrom, VerbsData.ConvertTo, VerbsData.Export, VerbsLifecycle.Wait,
        VerbsCommunications.Read, VerbsCommunications.Receive, VerbsLifecycle.Confirm, VerbsSecurity.Unprotect,
    };

    public static IEnumerable<object[]> Cmdlets => PowerShellRunner.CmdletTypes.Select(t => new object[] { t.Name });

    [Fact]
    public void The_assembly_has_cmdlets() => Assert.NotEmpty(PowerShellRunner.CmdletTypes);

    [Theory]
    [MemberData(nameof(Cmdlets))]
    public void Verb_is_approved(string typeName)
    {
        var approved = PowerShellRunner.Run("Get-Verb | ForEach-Object Verb").Output.Select(o => (string)o.BaseObject).ToHashSet();
        Assert.Contains(Attribute(typeName).VerbName, approved);
    }

    [Theory]
    [MemberData(nameof(Cmdlets))]
    public void Every_verb_that_changes_things_supports_ShouldProcess(string typeName)
    {
        var attribute = Attribute(typeName);
        if (!VerbsThatChangeNothing.Contains(attribute.VerbName))
        {
            Assert.True(attribute.SupportsShouldProcess, $"{typeName} changes things but has no -WhatIf/-Confirm.");
        }
    }

    [Theory]
    [MemberData(nameof(Cmdlets))]
    public void Declares_its_output_type(string typeName) =>
        Assert.NotEmpty(Type(typeName).GetCustomAttributes<OutputTypeAttribute>());

    [Theory]
    [MemberData(nameof(Cmdlets))]
    public void Has_no_bool_parameters(string typeName) =>
        Assert.DoesNotContain(Parameters(typeName), p => p.PropertyType == typeof(bool) || p.PropertyType == typeof(bool?));

    [Theory]
    [MemberData(nameof(Cmdlets))]
    public void Force_only_with_ShouldProcess(string typeName)
    {
        if (Parameters(typeName).Any(p => p.Name == "Force"))
        {
            Assert.True(Attribute(typeName).SupportsShouldProcess, $"{typeName} has -Force without ShouldProcess.");
        }
    }

    private static Type Type(string typeName) => PowerShellRunner.CmdletTypes.Single(t => t.Name == typeName);

    private static CmdletAttribute Attribute(string typeName) => Type(typeName).GetCustomAttribute<CmdletAttribute>()!;

    private static IEnumerable<PropertyInfo> Parameters(string typeName) =>
        Type(typeName).GetProperties().Where(p => p.GetCustomAttributes<ParameterAttribute>().Any());
}
