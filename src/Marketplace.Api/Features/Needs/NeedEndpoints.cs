namespace Marketplace.Api.Features.Needs;

public static class NeedEndpoints
{
    public static void MapNeeds(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/needs").WithTags("Needs");
        CreateNeed.Map(group);
        ListNeeds.Map(group);
        GetNeed.Map(group);
        PatchNeed.Map(group);
        PublishNeed.Map(group);
        CancelNeed.Map(group);
        AwardNeed.Map(group);
        GetNeedHistory.Map(group);
    }
}
