using System.CommandLine;
using GeoDense.Cli;
using GeoDense.Cli.Commands;

var root = new RootCommand("GeoDense: dense prediction on geospatial rasters (LeMeViT + UperNet / Oriented R-CNN / BIT).");
foreach (var command in CommandCatalog.All())
    root.Subcommands.Add(command);
// Exceptions reach CliErrors (exit 2 for input problems) instead of System.CommandLine's generic handler.
return CliErrors.Run(() => root.Parse(args).Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false }));
