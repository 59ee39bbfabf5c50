using Marketplace.Api.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddMarketplace();

var app = builder.Build();
await app.Services.GetRequiredService<StartupTasks>().RunAsync(app.Lifetime.ApplicationStopping);
app.UseMarketplace();
app.Lifetime.ApplicationStarted.Register(() =>
{
    foreach (var url in app.Urls)
        app.Logger.LogInformation("Marketplace API on {Url}; Swagger UI at {Url}/swagger", url, url);
});

await app.RunAsync();
