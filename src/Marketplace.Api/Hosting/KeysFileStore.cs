namespace Marketplace.Api.Hosting;

/// The demo's keys file: `NAME=value` lines that a shell can `source` (git-ignored).
public static class KeysFileStore
{
    public const string AdminKeyName = "MARKETPLACE_ADMIN_KEY";

    public static Dictionary<string, string> Read(string path)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!File.Exists(path)) return values;
        foreach (var line in File.ReadLines(path))
        {
            var split = line.IndexOf('=');
            if (line.StartsWith('#') || split <= 0) continue;
            values[line[..split].Trim()] = line[(split + 1)..].Trim();
        }
        return values;
    }

    public static void Write(string path, string name, string value)
    {
        var values = Read(path);
        values[name] = value;
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var lines = new List<string>
        {
            "# Marketplace demo keys (git-ignored). Use: source this file, then",
            "# curl -H \"Authorization: Bearer $MARKETPLACE_ADMIN_KEY\" http://localhost:5000/api/v1/clusters",
        };
        lines.AddRange(values.Select(kv => $"{kv.Key}={kv.Value}"));
        File.WriteAllLines(path, lines);
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }
}
