using System.Text;
using Marketplace.Domain.Reference;

namespace Marketplace.Infrastructure.Reference;

/// Reads the code lists of `seeds/reference/` (embedded at build time, so the API never depends
/// on its working directory).
public static class ReferenceDataLoader
{
    public static ReferenceData Load() => new(
        Rows("currencies.csv").Select(r => r[0]),
        Rows("countries.csv").Select(r => r[0]),
        Rows("ru-regions.csv").ToDictionary(r => r[0], r => r[1], StringComparer.Ordinal),
        Rows("units.csv").Select(r => r[0]),
        Rows("okpd2.csv").ToDictionary(r => r[0], r => r[1], StringComparer.Ordinal));

    /// The data rows of an embedded CSV (header skipped), RFC 4180 quoting.
    public static IEnumerable<string[]> Rows(string file)
    {
        using var stream = typeof(ReferenceDataLoader).Assembly.GetManifestResourceStream("reference/" + file)
            ?? throw new InvalidOperationException($"Reference list {file} is not embedded.");
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var text = reader.ReadToEnd();
        return ParseCsv(text).Skip(1).Where(r => r.Length > 0 && r[0].Length > 0).ToList();
    }

    internal static IEnumerable<string[]> ParseCsv(string text)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c != '"') field.Append(c);
                else if (i + 1 < text.Length && text[i + 1] == '"') { field.Append('"'); i++; }
                else quoted = false;
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { fields.Add(field.ToString()); field.Clear(); }
            else if (c == '\n' || c == '\r')
            {
                if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n') i++;
                fields.Add(field.ToString()); field.Clear();
                yield return fields.ToArray();
                fields.Clear();
            }
            else field.Append(c);
        }
        if (field.Length > 0 || fields.Count > 0) { fields.Add(field.ToString()); yield return fields.ToArray(); }
    }
}
