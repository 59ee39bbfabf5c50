namespace Marketplace.Api.Features.Clusters;

public static class ClusterEndpoints
{
    public static void MapClusters(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/v1/clusters").WithTags("Clusters");
        CreateCluster.Map(group);
        ListClusters.Map(group);
        GetCluster.Map(group);
    }
}
