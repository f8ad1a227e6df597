# %% [markdown]
# # graphmill from Python: PageRank and communities as DataFrames
#
# Start a server with the sample graph first: `graphmill demo --keep --port 7002`
# (it loads the basketballplayer space and keeps serving). This file is the script twin of
# `client_notebook.ipynb`: the same cells, checked against each other and run in CI.

# %%
import os
from pathlib import Path

import matplotlib.pyplot as plt

from graphmill import Client

URL = os.environ.get("GRAPHMILL_URL", "http://127.0.0.1:7002")
OUT = Path(os.environ.get("GRAPHMILL_NOTEBOOK_OUT", "."))
EXAMPLES = Path("examples") if Path("examples").is_dir() else Path("docs/examples")

gm = Client(URL, user="root", password="nebula")
gm

# %% [markdown]
# Import a workflow exported from Explorer (a JSON file), then run it and wait with a progress bar.

# %%
workflow = gm.workflows.create(EXAMPLES / "pagerank_louvain.json")
job = gm.run(workflow.id, input={"analytics_pagerank_1": {"iterations": "20"}})
job.wait(progress=True)
print(f"job {job.id}: {job.status.name}")
job

# %% [markdown]
# Results arrive as Arrow tables; `.to_pandas()` gives a DataFrame.

# %%
ranks = job.result("PageRank").to_pandas()
communities = job.result("Louvain").to_pandas()
print(f"{len(ranks)} PageRank rows, {communities['LABEL'].nunique()} communities")

# %%
top = ranks.nlargest(20, "VALUE").sort_values("VALUE")
fig, ax = plt.subplots(figsize=(7, 6))
ax.barh(top["VID"], top["VALUE"])
ax.set_title("PageRank: top 20")
ax.set_xlabel("PageRank")
fig.tight_layout()
fig.savefig(OUT / "pagerank_top20.png")
print("top 3:", ", ".join(top["VID"].iloc[::-1][:3]))

# %%
sizes = communities.groupby("LABEL").size()
fig, ax = plt.subplots(figsize=(7, 4))
ax.hist(sizes, bins=range(1, int(sizes.max()) + 2))
ax.set_title("Louvain community sizes")
ax.set_xlabel("members")
ax.set_ylabel("communities")
fig.tight_layout()
fig.savefig(OUT / "community_sizes.png")
print(f"largest community: {sizes.max()} members; sizes: {sorted(sizes.tolist(), reverse=True)[:5]} …")

# %%
gm.close()
