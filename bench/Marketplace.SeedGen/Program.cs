using System.Globalization;
using Marketplace.Infrastructure.Database;
using Marketplace.Infrastructure.Reference;
using Marketplace.Infrastructure.Seeding;
using Microsoft.Extensions.Logging;

// Writes the benchmark data set (SupplyBulkWriter) into a new database:
//   dotnet run -c Release --project bench/Marketplace.SeedGen -- --provider sqlite|postgres \
//     --connection "<connection string>" --capabilities 1000000 [--seed 7792015]
// The database is migrated first and must hold no clusters or companies.

const string Usage = """
    Usage: Marketplace.SeedGen --provider sqlite|postgres --connection "<connection string>"
                               [--capabilities 1000000] [--seed 7792015]
    """;

string? provider = null, connection = null;
var capabilities = 1_000_000;
var seed = SupplyGenerator.DefaultSeed;
for (var i = 0; i < args.Length; i++)
{
    var value = i + 1 < args.Length ? args[i + 1] : null;
    switch (args[i])
    {
        case "--provider": provider = value; i++; break;
        case "--connection": connection = value; i++; break;
        case "--capabilities" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n): capabilities = n; i++; break;
        case "--seed" when int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var s): seed = s; i++; break;
        default:
            Console.Error.WriteLine($"Unknown or incomplete argument '{args[i]}'.\n{Usage}");
            return 2;
    }
}
if (provider is not ("sqlite" or "postgres") || string.IsNullOrWhiteSpace(connection))
{
    Console.Error.WriteLine(Usage);
    return 2;
}

using var loggers = LoggerFactory.Create(b => b.AddSimpleConsole(o =>
{
    o.SingleLine = true;
    o.TimestampFormat = "HH:mm:ss ";
}));
var logger = loggers.CreateLogger("SeedGen");
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

await using var db = new Db(new DatabaseOptions { Provider = provider, ConnectionString = connection, BusyTimeoutSeconds = 30 });
await new Migrator(db, loggers.CreateLogger<Migrator>()).MigrateAsync(cancel.Token);
logger.LogInformation("Writing {Capabilities:N0} capabilities to {Provider} (seed {Seed})", capabilities, provider, seed);
var result = await new SupplyBulkWriter(db, ReferenceDataLoader.Load(), logger).WriteAsync(capabilities, cancel.Token, seed);
var rows = result.Counts.Companies + result.Counts.Sites + result.Counts.Capabilities;
logger.LogInformation(
    "Done in {Seconds:F1} s: {Companies:N0} companies, {Sites:N0} sites, {Capabilities:N0} capabilities ({Rate:N0} rows/s); " +
    "largest group {Group}: {GroupCount:N0} capabilities ({Share:P1})",
    result.Elapsed.TotalSeconds, result.Counts.Companies, result.Counts.Sites, result.Counts.Capabilities,
    rows / result.Elapsed.TotalSeconds, result.TopGroup, result.TopGroupCapabilities, result.TopGroupShare);
if (result.TopGroupShare < 0.10)
    logger.LogWarning("The largest category group holds less than 10% of the capabilities");
return 0;
