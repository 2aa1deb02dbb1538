"""The sub-commands of `./cpts` that cli.py registers: the orientation (`match`), documents (`export`, `deck`),
accounts (`user`) and the purge, with what they share (`console`)."""
