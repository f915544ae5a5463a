using System;
using System.IO;

namespace OneClickMlflow.Tests.Images;

/// <summary>Build contexts the tests write: FROM scratch with a file, or with Debian's static busybox.</summary>
internal sealed class TestContexts : IDisposable
{
    public const string BusyboxPath = "/usr/bin/busybox";

    private readonly string root = Directory.CreateTempSubdirectory("ocm-context-").FullName;

    /// <summary>FROM scratch + COPY of one text file.</summary>
    public string Scratch(string text, string dockerfileExtra = "")
    {
        var directory = Directory.CreateDirectory(Path.Combine(root, Guid.NewGuid().ToString("N"))).FullName;
        File.WriteAllText(Path.Combine(directory, "Dockerfile"), "FROM scratch\nCOPY hello.txt /hello.txt\n" + dockerfileExtra);
        File.WriteAllText(Path.Combine(directory, "hello.txt"), text);
        return directory;
    }

    /// <summary>An image holding busybox and an executable script, or null when busybox-static is not installed.</summary>
    public string? Busybox()
    {
        if (!File.Exists(BusyboxPath))
        {
            return null;
        }
        var directory = Directory.CreateDirectory(Path.Combine(root, Guid.NewGuid().ToString("N"))).FullName;
        File.Copy(BusyboxPath, Path.Combine(directory, "busybox"));
        File.WriteAllText(Path.Combine(directory, "entrypoint.sh"), "#!/bin/busybox sh\necho ready\n");
        File.WriteAllText(Path.Combine(directory, "Dockerfile"),
            "FROM scratch\nARG MLFLOW_VERSION\nCOPY busybox /bin/busybox\nCOPY entrypoint.sh /entrypoint.sh\n" +
            "LABEL mlflow.version=$MLFLOW_VERSION\nENTRYPOINT [\"/entrypoint.sh\"]\n");
        return directory;
    }

    public void Dispose() => Directory.Delete(root, recursive: true);
}
