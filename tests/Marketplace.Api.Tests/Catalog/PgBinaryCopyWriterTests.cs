using System.Globalization;
using Marketplace.Api.Tests.Infrastructure;
using Marketplace.Infrastructure.Catalog;
using Npgsql;

namespace Marketplace.Api.Tests.Catalog;

/// The import's own COPY BINARY encoder against what PostgreSQL reads: values written through it
/// come back, as PostgreSQL's text and through Npgsql, equal to the inputs.
public sealed class PgBinaryCopyWriterTests(PostgresApi api) : IClassFixture<PostgresApi>
{
    private const string Copy = "COPY t (line, n, g, s, ts, b, i) FROM STDIN (FORMAT BINARY)";

    private static readonly decimal[] Tricky =
    [
        0m, 1m, -1m, 0.5m, 12.5m, 12.50m, 100m, 100.00m, 10000m, 10001m, 99999999m, 100000000m, 0.0001m, 0.00010m, 0.001m,
        0.00001m, 1.0001m, 123456789.123456789m, 12345678901234567890.12345678m, decimal.MaxValue, decimal.MinValue,
        -1.5m, -0.0001m, 0.00000000000000000000000001m, 0.0000000000000000000000000001m, -0.0000000000000000000000000001m,
        0.1234567890123456789012345678m, 7.9228162514264337593543950335m, -7.9228162514264337593543950335m,
        1.0000000000000000000000000000m, 0.0000000000000000000000000000m, 0.00m,
    ];

    private static readonly string[] Texts =
    [
        "", "plain", "Молоко 3,2% ГОСТ", "emoji 🍎🧀 and 𝄞", "tab\tnew\nline \\ \"quote\" ' ;", "€",
        new string('Ж', 5000) + "🍎", // past the writer's size estimate limit: the exact count path
        string.Concat(Enumerable.Repeat("яблоко 🍏 ", 20_000)), // larger than the buffer: it grows
    ];

    private sealed record Row(long Line, decimal? N, Guid? G, string? S, DateTimeOffset? Ts, bool? B, long? I);

    [Fact]
    public async Task Values_written_read_back_as_written()
    {
        var random = new Random(20250601);
        var rows = new List<Row>();
        foreach (var n in Tricky.Concat(Enumerable.Range(0, 3000).Select(_ => RandomDecimal(random))))
            rows.Add(new Row(rows.Count, n, Guid.NewGuid(), $"row {rows.Count}", DateTimeOffset.UnixEpoch, rows.Count % 2 == 0, rows.Count));
        foreach (var s in Texts) rows.Add(new Row(rows.Count, 1m, Guid.Empty, s, null, true, null));
        foreach (var g in new[] { Guid.Parse("00112233-4455-6677-8899-aabbccddeeff"), Guid.Parse("ffffffff-0000-0000-0000-000000000001"), Guid.CreateVersion7() })
            rows.Add(new Row(rows.Count, null, g, null, null, null, null));
        foreach (var ts in new[]
        {
            new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(1999, 12, 31, 23, 59, 59, 999, 999, TimeSpan.Zero),
            new DateTimeOffset(2025, 6, 1, 12, 34, 56, 789, 123, TimeSpan.FromHours(3)), new DateTimeOffset(1901, 2, 3, 4, 5, 6, TimeSpan.Zero),
            new DateTimeOffset(2100, 1, 1, 0, 0, 0, TimeSpan.FromHours(-5)),
        })
            rows.Add(new Row(rows.Count, null, null, null, ts, false, null));
        rows.Add(new Row(rows.Count, -0m, null, null, null, null, long.MinValue));
        rows.Add(new Row(rows.Count, null, null, null, null, null, long.MaxValue));
        rows.Add(new Row(rows.Count, null, null, null, null, null, -1));

        await using var connection = await OpenWithTableAsync();
        await using (var copy = await PgBinaryCopyWriter.StartAsync(connection, Copy, CancellationToken.None))
        {
            foreach (var row in rows) await WriteAsync(copy, row);
            await copy.CompleteAsync(CancellationToken.None);
        }

        await using var select = new NpgsqlCommand("SELECT line, n::text, n, g::text, s, ts, b, i FROM t ORDER BY line", connection);
        await using var reader = await select.ExecuteReaderAsync();
        var read = 0;
        while (await reader.ReadAsync())
        {
            var row = rows[read++];
            Assert.Equal(row.Line, reader.GetInt64(0));
            Assert.Equal(row.N is { } n ? Text(n) : null, reader.IsDBNull(1) ? null : reader.GetString(1));
            Assert.Equal(row.N, reader.IsDBNull(2) ? null : reader.GetDecimal(2));
            Assert.Equal(row.G?.ToString(), reader.IsDBNull(3) ? null : reader.GetString(3));
            Assert.Equal(row.S, reader.IsDBNull(4) ? null : reader.GetString(4));
            Assert.Equal(row.Ts?.UtcDateTime, reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTime>(5));
            Assert.Equal(row.B, reader.IsDBNull(6) ? null : reader.GetBoolean(6));
            Assert.Equal(row.I, reader.IsDBNull(7) ? null : reader.GetInt64(7));
        }
        Assert.Equal(rows.Count, read);
    }

    [Fact]
    public async Task Numeric_text_keeps_the_decimal_scale_and_has_no_negative_zero()
    {
        await using var connection = await OpenWithTableAsync();
        await using (var copy = await PgBinaryCopyWriter.StartAsync(connection, Copy, CancellationToken.None))
        {
            var line = 0;
            foreach (var n in new[] { 12.50m, 0.00m, -0.0m, 10000m, 0.0001m, -1.5m, 1E-28m })
                await WriteAsync(copy, new Row(line++, n, null, null, null, null, null));
            await copy.CompleteAsync(CancellationToken.None);
        }

        await using var select = new NpgsqlCommand("SELECT string_agg(n::text, ' ' ORDER BY line) FROM t", connection);
        Assert.Equal("12.50 0.00 0.0 10000 0.0001 -1.5 0.0000000000000000000000000001", await select.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Disposing_without_completing_cancels_the_copy()
    {
        await using var connection = await OpenWithTableAsync();
        await using (var copy = await PgBinaryCopyWriter.StartAsync(connection, Copy, CancellationToken.None))
        {
            // Past the flush size: some rows have reached the server already.
            for (var i = 0; i < 10_000; i++) await WriteAsync(copy, new Row(i, 1.5m, Guid.NewGuid(), "x", null, true, i));
        }

        await using var count = new NpgsqlCommand("SELECT count(*) FROM t", connection);
        Assert.Equal(0L, await count.ExecuteScalarAsync());
    }

    private async Task<NpgsqlConnection> OpenWithTableAsync()
    {
        var connection = new NpgsqlConnection(api.ConnectionString);
        await connection.OpenAsync();
        await using var create = new NpgsqlCommand(
            "DROP TABLE IF EXISTS pg_temp.t; CREATE TEMP TABLE t (line bigint, n numeric, g uuid, s text, ts timestamptz, b boolean, i bigint)", connection);
        await create.ExecuteNonQueryAsync();
        return connection;
    }

    private static async Task WriteAsync(PgBinaryCopyWriter copy, Row row)
    {
        await copy.StartRowAsync(7, CancellationToken.None);
        copy.Write(row.Line);
        copy.WriteOrNull(row.N);
        copy.WriteOrNull(row.G);
        copy.WriteOrNull(row.S);
        if (row.Ts is { } ts) copy.Write(ts);
        else copy.WriteNull();
        if (row.B is { } b) copy.Write(b);
        else copy.WriteNull();
        if (row.I is { } i) copy.Write(i);
        else copy.WriteNull();
    }

    // PostgreSQL prints a numeric with its display scale, as .NET prints a decimal with its scale
    // (PostgreSQL has no negative zero).
    private static string Text(decimal n) => (n == 0 ? decimal.Abs(n) : n).ToString(CultureInfo.InvariantCulture);

    // Any 96-bit mantissa, scale 0 to 28 and sign, weighted toward short mantissas and tiny ones.
    private static decimal RandomDecimal(Random random)
    {
        int Bits() => random.Next(4) switch { 0 => 0, 1 => random.Next(10_000), _ => random.Next(int.MinValue, int.MaxValue) };
        var (lo, mid, hi) = (Bits(), random.Next(3) == 0 ? Bits() : 0, random.Next(3) == 0 ? Bits() : 0);
        return new decimal(lo, mid, hi, random.Next(2) == 0, (byte)random.Next(29));
    }
}
