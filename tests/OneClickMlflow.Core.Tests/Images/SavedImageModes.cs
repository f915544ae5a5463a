using System;
using System.Collections.Generic;
using System.Formats.Tar;
using System.IO;
using System.Threading.Tasks;

namespace OneClickMlflow.Tests.Images;

/// <summary>File modes inside a `docker save` archive: every layer tar's regular files, by path, as octal text.</summary>
internal static class SavedImageModes
{
    public static async Task<Dictionary<string, string>> ReadAsync(Stream saved)
    {
        var modes = new Dictionary<string, string>(StringComparer.Ordinal);
        using var outer = new TarReader(saved);
        while (await outer.GetNextEntryAsync(copyData: true) is { } entry)
        {
            if (entry.DataStream is null || !(entry.Name.EndsWith("layer.tar", StringComparison.Ordinal) || entry.Name.StartsWith("blobs/", StringComparison.Ordinal)))
            {
                continue;
            }
            try
            {
                using var layer = new TarReader(entry.DataStream);
                while (await layer.GetNextEntryAsync() is { } file)
                {
                    if (file.EntryType is TarEntryType.RegularFile or TarEntryType.V7RegularFile)
                    {
                        modes[file.Name.TrimStart('/')] = Convert.ToString((int)file.Mode, 8).PadLeft(4, '0');
                    }
                }
            }
            catch (InvalidDataException)
            {
                // A blob that is not a layer (config, manifest).
            }
        }
        return modes;
    }
}
