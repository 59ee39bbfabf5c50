using Marketplace.Infrastructure.Matching;

namespace Marketplace.Api.Hosting;

/// Keeps the matching index fresh by following the change feed, so several API processes on one
/// database all see a change within a bounded delay.
public sealed class SupplyIndexSync(SupplyIndex index, IConfiguration config, ILogger<SupplyIndexSync> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var every = TimeSpan.FromMilliseconds(Math.Max(20, config.GetValue("Marketplace:Matching:PollMilliseconds", 200)));
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(every, stoppingToken);
                await index.CatchUpAsync(stoppingToken);
            }
            catch (OperationCanceledException) { return; }
            catch (Exception e)
            {
                logger.LogWarning(e, "The matching index could not follow the change feed; retrying");
            }
        }
    }
}
