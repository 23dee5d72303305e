from zimgraph.cli import main

main(prog_name="zimgraph")
