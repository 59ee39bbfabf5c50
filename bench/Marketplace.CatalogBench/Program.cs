// Catalog import benchmarks (docs/benchmarks.md):
//   reader [rows] [ndjson|csv]                      CatalogReader alone, from memory (the default mode)
//   ndjson --items N --sites id,id --out FILE ...   the import benchmark's body (ImportData)
//   copy --connection CS --items N --sites id,id    the raw binary COPY of the same rows (ImportData)
return args.FirstOrDefault() switch
{
    "ndjson" => ImportData.WriteNdjson(args[1..]),
    "copy" => await ImportData.CopyAsync(args[1..]),
    "reader" => await ReaderRun.RunAsync(args[1..]),
    _ => await ReaderRun.RunAsync(args),
};
