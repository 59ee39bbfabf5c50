using System.Text;

namespace Marketplace.Infrastructure.Catalog;

// Splits one framed CSV record (RFC 4180: quoted cells may hold commas, doubled quotes and
// newlines) into cells. A quote inside an unquoted cell is kept as a literal character, as
// most spreadsheet exports expect; text after a closing quote is an error.
internal sealed class CsvRowParser
{
    private readonly List<Cell> cells = new(16);

    public int Count => cells.Count;

    // False when the quoting is malformed (text after a closing quote).
    public bool Split(ReadOnlySpan<byte> record)
    {
        cells.Clear();
        var i = 0;
        while (true)
        {
            if (i < record.Length && record[i] == (byte)'"')
            {
                var start = i + 1;
                var j = start;
                var escaped = false;
                while (true)
                {
                    var q = record[j..].IndexOf((byte)'"');
                    if (q < 0)
                    {
                        return false; // unterminated: the framer reports it before this point
                    }

                    j += q;
                    if (j + 1 < record.Length && record[j + 1] == (byte)'"')
                    {
                        escaped = true;
                        j += 2;
                        continue;
                    }

                    break;
                }

                cells.Add(new Cell(start, j - start, escaped));
                i = j + 1;
                if (i == record.Length)
                {
                    return true;
                }

                if (record[i] != (byte)',')
                {
                    return false;
                }

                i++;
            }
            else
            {
                var comma = record[i..].IndexOf((byte)',');
                if (comma < 0)
                {
                    cells.Add(new Cell(i, record.Length - i, false));
                    return true;
                }

                cells.Add(new Cell(i, comma, false));
                i += comma + 1;
            }
        }
    }

    // The cell's bytes between its quotes, doubled quotes still doubled (`escaped`).
    public ReadOnlySpan<byte> Raw(ReadOnlySpan<byte> record, int index, out bool escaped)
    {
        var c = cells[index];
        escaped = c.Escaped;
        return record.Slice(c.Start, c.Length);
    }

    // Null for an empty cell (api.md: an empty CSV cell is null), quoted or not.
    public string? Text(ReadOnlySpan<byte> record, int index)
    {
        var c = cells[index];
        if (c.Length == 0)
        {
            return null;
        }

        var s = Encoding.UTF8.GetString(record.Slice(c.Start, c.Length));
        return c.Escaped ? s.Replace("\"\"", "\"", StringComparison.Ordinal) : s;
    }

    private readonly record struct Cell(int Start, int Length, bool Escaped);
}
