"""The pipeline layer of the three orchestrators (`bds build`, `bds publish`, `bds report`) and of every
command that writes: what they share, in one place.

- `staging`: outputs built aside and switched in all together (journaled, kill-safe), or one alone
  (`swap`, `staged_folder`); recovery of an interrupted run (`recover_all`, `sweep`).
- `progress`: what a run tells while it works (`say`, `seconds_text`, `Indented`).
- `writing`: the one atomic writer (`write_file`, text or bytes), the one YAML writer (`yaml_text`),
  the one early writability check (`check_writable`) and the one message for a failed write.
- `quarter`: the one quarter type (`Quarter`).
- `today`: the reference day (`--today`, a quarter's default).
"""
